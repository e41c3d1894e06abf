using System.Text.Json.Nodes;

namespace Platform.EndToEnd.Tests;

/// <summary>The commands the dashboard offers beyond Stop and Start, run as a click runs them (through the AppHost),
/// each seen taking effect in the system.</summary>
[Collection(AppHostCollection.Name)]
public sealed class DashboardCommandTests(AppHostFixture fixture)
{
    [Fact]
    public async Task The_providers_commands_make_it_slow_failing_down_and_normal_again()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = await Shop.OpenAsync(fixture.App, ct);
        try
        {
            await fixture.App.ExecuteCommandAsync("payment-provider", "provider-slow", ct);
            Assert.Equal(3000, (int)(await BehaviourAsync(shop))["latencyMs"]!);

            await fixture.App.ExecuteCommandAsync("payment-provider", "provider-failing", ct);
            var failing = await BehaviourAsync(shop);
            Assert.Equal((0, 1.0), ((int)failing["latencyMs"]!, (double)failing["failureRate"]!));

            await fixture.App.ExecuteCommandAsync("payment-provider", "provider-down", ct);
            Assert.True((bool)(await BehaviourAsync(shop))["down"]!);
        }
        finally
        {
            await fixture.App.ExecuteCommandAsync("payment-provider", "provider-normal", CancellationToken.None);
        }

        var normal = await BehaviourAsync(shop);
        Assert.Equal((0, 0.0, 0.0, false), ((int)normal["latencyMs"]!, (double)normal["failureRate"]!, (double)normal["declineRate"]!, (bool)normal["down"]!));
    }

    private static async Task<JsonNode> BehaviourAsync(Shop shop) =>
        JsonNode.Parse(await shop.Provider.GetStringAsync("/admin/behaviour", TestContext.Current.CancellationToken))!;
}
