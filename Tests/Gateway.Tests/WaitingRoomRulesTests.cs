using Microsoft.Extensions.Options;
using Platform.Gateway.Apis;
using Platform.Gateway.Options;
using Platform.Gateway.WaitingRoom;

namespace Platform.Gateway.Tests;

/// <summary>The waiting room's rules that need no server: poll pacing, what a sale may be, reading an admission.</summary>
public sealed class WaitingRoomRulesTests
{
    [Theory]
    [InlineData(null, 60, 1)] // nothing to estimate: as often as allowed
    [InlineData(2.0, 60, 1)]
    [InlineData(20.0, 60, 10)] // half the wait
    [InlineData(600.0, 60, 15)] // at most MaxPoll
    [InlineData(600.0, 6, 2)] // and at most a third of the idle time, so following it keeps the place
    public void A_buyer_is_told_to_poll_again_after_half_their_wait(double? wait, int idleSeconds, int expected)
    {
        var pacer = new PollPacer(Microsoft.Extensions.Options.Options.Create(new WaitingRoomOptions()));

        Assert.Equal(expected, pacer.PollAfter(wait, TimeSpan.FromSeconds(idleSeconds)));
    }

    [Fact]
    public void Polls_are_stretched_while_a_replica_is_over_its_budget()
    {
        var pacer = new PollPacer(Microsoft.Extensions.Options.Options.Create(new WaitingRoomOptions { PollBudgetPerSecond = 10 }));
        var second = Environment.TickCount64 / 1000;
        int last = 0;
        // enough polls to go over budget in one second, then the first of the next second sees it
        while (Environment.TickCount64 / 1000 < second + 2)
        {
            last = pacer.PollAfter(8, TimeSpan.FromMinutes(1));
        }

        Assert.Equal(8, last); // 4, doubled
    }

    [Fact]
    public void A_sale_is_validated_field_by_field()
    {
        var errors = SalesApi.Validate(new OpenSaleRequest("Bad Id", [], 0, DateTimeOffset.UtcNow.AddDays(60), 0, 1, 0, 500));

        Assert.Equal(["admissionRatePerSecond", "admissionSeconds", "durationHours", "id", "idleTimeoutSeconds", "maxAdmitted", "productIds", "startsAt"], errors.Keys.Order());
        Assert.Empty(SalesApi.Validate(new OpenSaleRequest("drop-1", [1, 2], 50, null, null, null, null, null)));
        Assert.False(SalesApi.IsSaleId("sales"));
        Assert.Single(SalesApi.Validate(null));
    }

    [Theory]
    [InlineData("A|1700000000000||1699999999000", 'A', 1_700_000_000_000, 1_699_999_999_000)]
    [InlineData("C|1700000000000|key|5", 'C', 1_700_000_000_000, 5)]
    [InlineData("X|0||7", 'X', 0, 7)]
    public void An_admission_record_is_read(string text, char state, long expires, long admittedAt) =>
        Assert.Equal(new AdmissionRecord(state, expires, admittedAt), AdmissionRecord.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("A|x||1")]
    [InlineData("AB|1||1")]
    public void A_malformed_admission_record_is_none(string? text) => Assert.Null(AdmissionRecord.Parse(text));

    [Theory]
    [InlineData(ClaimOutcome.Claimed, 201, true)]
    [InlineData(ClaimOutcome.SameOrder, 200, true)] // the replay of the order the key placed
    [InlineData(ClaimOutcome.Claimed, 409, true)] // the order service: this admission already placed an order
    [InlineData(ClaimOutcome.SameOrder, 409, true)]
    [InlineData(ClaimOutcome.Claimed, 400, false)] // a fresh claim refused: the admission was not used
    [InlineData(ClaimOutcome.Claimed, 422, false)] // the key placed another order, before this admission was claimed
    [InlineData(ClaimOutcome.SameOrder, 422, null)] // the key's first request may have placed the order: keep it taken
    [InlineData(ClaimOutcome.SameOrder, 400, null)]
    [InlineData(ClaimOutcome.Claimed, 502, null)] // fate unknown
    [InlineData(ClaimOutcome.Claimed, 503, null)]
    public void An_admission_is_given_back_only_when_the_answer_proves_it_unspent(ClaimOutcome claim, int status, bool? ordered) =>
        Assert.Equal(ordered, OrderGate.Settlement(claim, status));

    [Fact]
    public void A_board_never_read_or_read_too_long_ago_is_not_current()
    {
        var time = new ManualTime();
        var board = new SaleBoard(Microsoft.Extensions.Options.Options.Create(new WaitingRoomOptions { BoardStaleAfter = TimeSpan.FromSeconds(5) }), time);
        Assert.False(board.IsCurrent); // a replica that started while Redis was unreachable

        board.Update([]);
        Assert.True(board.IsCurrent);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(board.IsCurrent);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(board.IsCurrent); // Redis lost since: a sale may have opened unseen

        board.Update([]);
        Assert.True(board.IsCurrent);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _now = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += by.Ticks;
    }
}
