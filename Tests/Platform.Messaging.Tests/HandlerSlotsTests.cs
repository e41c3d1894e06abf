using Microsoft.Extensions.DependencyInjection;
using Platform.Messaging.Inbox;
using Xunit;

namespace Platform.Messaging.Tests;

/// <summary>However many messages arrive, a service runs at most its handler slots' worth of inbox handlers at once; the
/// others wait for a slot before they take a connection.</summary>
[Collection(MessagingCollection.Name)]
public sealed class HandlerSlotsTests(MessagingFixture fixture)
{
    [Fact]
    public async Task Handlers_beyond_the_services_slots_wait_for_one_and_all_run_once_one_is_free()
    {
        var slots = fixture.Services.GetRequiredService<HandlerSlots>();
        Assert.Equal(MessagingFixture.HandlerSlotCount, slots.Count);
        MessagingFixture.SlowGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ids = new List<Guid>();
        for (var i = 0; i < MessagingFixture.HandlerSlotCount + 2; i++)
        {
            ids.Add(await fixture.WriteAsync($"{MessagingFixture.SlowPrefix}{i}", commit: true));
        }

        // the slots are full and a delivered message waits for one (it holds no connection meanwhile)
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(MessagingFixture.MostSlowInFlight == slots.Count && slots.Waiting >= 1))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{MessagingFixture.MostSlowInFlight} handlers at once, slots in use {slots.InUse} of {slots.Count}, {slots.Waiting} waiting");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(slots.Count, slots.InUse);

        MessagingFixture.SlowGate.SetResult();
        foreach (var id in ids)
        {
            await MessagingFixture.WaitForAsync(id);
        }

        Assert.Equal(MessagingFixture.HandlerSlotCount, MessagingFixture.MostSlowInFlight);
    }
}
