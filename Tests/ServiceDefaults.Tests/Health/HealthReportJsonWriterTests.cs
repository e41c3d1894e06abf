using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.ServiceDefaults.Health;

namespace Platform.ServiceDefaults.Tests.Health;

public sealed class HealthReportJsonWriterTests
{
    [Fact]
    public void Writes_status_durations_descriptions_and_tags_without_leaking_exceptions()
    {
        var report = new HealthReport(
            new Dictionary<string, HealthReportEntry>
            {
                ["rabbitmq"] = new(HealthStatus.Unhealthy, null, TimeSpan.FromMilliseconds(12.5),
                    new InvalidOperationException("secret=hunter2"), null, ["ready", "messaging"]),
            },
            HealthStatus.Unhealthy,
            TimeSpan.FromMilliseconds(13));
        using var buffer = new MemoryStream();

        using (var writer = new Utf8JsonWriter(buffer))
        {
            HealthReportJsonWriter.Write(writer, report);
        }

        var json = Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Equal(
            """{"status":"Unhealthy","totalDuration":"00:00:00.0130000","entries":{"rabbitmq":{"status":"Unhealthy","duration":"00:00:00.0125000","description":null,"tags":["ready","messaging"]}}}""",
            json);
        Assert.DoesNotContain("hunter2", json);
    }
}
