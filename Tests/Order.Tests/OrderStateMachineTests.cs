using Platform.Order.Model;
using Xunit;

namespace Platform.Order.Tests;

public sealed class OrderStateMachineTests
{
    public static TheoryData<OrderStatus, OrderTrigger, OrderStatus, OrderEffects> Table => new()
    {
        { OrderStatus.Pending, OrderTrigger.StockReserved, OrderStatus.StockReserved, OrderEffects.RequestPayment },
        { OrderStatus.Pending, OrderTrigger.StockRejected, OrderStatus.Cancelled, OrderEffects.AnnounceCancelled },
        { OrderStatus.Pending, OrderTrigger.TimedOut, OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.AnnounceCancelled },
        { OrderStatus.StockReserved, OrderTrigger.PaymentSucceeded, OrderStatus.Confirmed, OrderEffects.AnnouncePaid | OrderEffects.AnnounceConfirmed },
        { OrderStatus.StockReserved, OrderTrigger.PaymentFailed, OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.AnnounceCancelled },
        { OrderStatus.StockReserved, OrderTrigger.TimedOut, OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.AnnounceCancelled },
        { OrderStatus.Cancelled, OrderTrigger.StockReserved, OrderStatus.Cancelled, OrderEffects.ReleaseStock },
        { OrderStatus.Cancelled, OrderTrigger.PaymentSucceeded, OrderStatus.Cancelled, OrderEffects.RequestRefund },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void The_lifecycle_moves_as_designed(OrderStatus from, OrderTrigger trigger, OrderStatus to, OrderEffects effects)
    {
        var transition = OrderStateMachine.Apply(from, trigger);

        Assert.Equal(to, transition.To);
        Assert.Equal(effects, transition.Effects);
    }

    [Fact]
    public void Every_other_pair_is_a_duplicate_or_late_event_with_no_change_and_no_effect()
    {
        var designed = Table.Select(row => (row.Data.Item1, row.Data.Item2)).ToHashSet();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var trigger in Enum.GetValues<OrderTrigger>().Where(t => !designed.Contains((status, t))))
            {
                var transition = OrderStateMachine.Apply(status, trigger);
                Assert.False(transition.Changed, $"{status} + {trigger} changed to {transition.To}");
                Assert.Equal(OrderEffects.None, transition.Effects);
            }
        }
    }

    [Fact]
    public void A_decided_order_never_changes_again()
    {
        foreach (var final in new[] { OrderStatus.Confirmed, OrderStatus.Cancelled })
        {
            Assert.True(OrderStateMachine.IsFinal(final));
            Assert.All(Enum.GetValues<OrderTrigger>(), trigger => Assert.Equal(final, OrderStateMachine.Apply(final, trigger).To));
        }
    }

    [Fact]
    public void Stock_held_for_an_order_is_always_released_when_it_is_cancelled_after_a_reservation()
    {
        foreach (var trigger in Enum.GetValues<OrderTrigger>())
        {
            var transition = OrderStateMachine.Apply(OrderStatus.StockReserved, trigger);
            if (transition.To == OrderStatus.Cancelled)
            {
                Assert.True(transition.Effects.HasFlag(OrderEffects.ReleaseStock), $"{trigger} cancels without releasing stock");
            }
        }
    }

    [Fact]
    public void Only_a_reservation_asks_for_payment_and_only_a_payment_confirms()
    {
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var trigger in Enum.GetValues<OrderTrigger>())
            {
                var transition = OrderStateMachine.Apply(status, trigger);
                Assert.Equal(status == OrderStatus.Pending && trigger == OrderTrigger.StockReserved, transition.Effects.HasFlag(OrderEffects.RequestPayment));
                Assert.Equal(transition.To == OrderStatus.Confirmed && transition.Changed, trigger == OrderTrigger.PaymentSucceeded && status == OrderStatus.StockReserved);
            }
        }
    }

    [Fact]
    public void Money_is_given_back_exactly_when_a_payment_succeeds_for_a_cancelled_order()
    {
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var trigger in Enum.GetValues<OrderTrigger>())
            {
                var transition = OrderStateMachine.Apply(status, trigger);
                Assert.Equal(status == OrderStatus.Cancelled && trigger == OrderTrigger.PaymentSucceeded, transition.Effects.HasFlag(OrderEffects.RequestRefund));
            }
        }
    }
}
