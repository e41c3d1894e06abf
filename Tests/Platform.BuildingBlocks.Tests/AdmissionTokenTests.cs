using System.Security.Claims;
using Platform.Admission;

namespace Platform.BuildingBlocks.Tests;

/// <summary>An admission token grants one buyer one sale until it expires, and nothing to anyone else.</summary>
public sealed class AdmissionTokenTests
{
    private static readonly AdmissionTokens Tokens = new(new string('k', 48));

    private static ClaimsPrincipal Buyer(string subject) => new(new ClaimsIdentity([new Claim("sub", subject)], "test"));

    [Fact]
    public async Task A_token_grants_its_buyer_their_sale()
    {
        var token = Tokens.Create("drop-1", "alice", DateTimeOffset.UtcNow.AddMinutes(2));

        var admission = await Tokens.ValidateAsync(token, Buyer("alice"));

        Assert.Equal(new AdmissionGrant("drop-1", "alice", "drop-1/alice"), admission);
    }

    [Fact]
    public async Task Another_buyer_a_forged_or_altered_or_expired_token_grants_nothing()
    {
        var token = Tokens.Create("drop-1", "alice", DateTimeOffset.UtcNow.AddMinutes(2));
        var forged = new AdmissionTokens(new string('x', 48)).Create("drop-1", "alice", DateTimeOffset.UtcNow.AddMinutes(2));
        var expired = Tokens.Create("drop-1", "alice", DateTimeOffset.UtcNow.AddSeconds(-10));
        var parts = token.Split('.');
        var altered = $"{parts[0]}.{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("{\"sub\":\"bob\",\"sale\":\"drop-1\"}")).TrimEnd('=')}.{parts[2]}";

        Assert.Null(await Tokens.ValidateAsync(token, Buyer("bob")));
        Assert.Null(await Tokens.ValidateAsync(forged, Buyer("alice")));
        Assert.Null(await Tokens.ValidateAsync(expired, Buyer("alice")));
        Assert.Null(await Tokens.ValidateAsync(altered, Buyer("bob")));
        Assert.Null(await Tokens.ValidateAsync("", Buyer("alice")));
        Assert.Null(await Tokens.ValidateAsync(new string('a', 5000), Buyer("alice")));
    }

    [Fact]
    public void A_short_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => new AdmissionTokens("too short"));
}
