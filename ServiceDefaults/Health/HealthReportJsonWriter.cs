using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.ServiceDefaults.Health;

/// <summary>
/// Writes a HealthReport as JSON:
/// { "status", "totalDuration", "entries": { name: { "status", "duration", "description", "tags" } } }.
/// Durations use TimeSpan's constant format ("00:00:00.0012345"), as the HealthChecks UI ecosystem expects.
/// Written by hand with Utf8JsonWriter: no reflection, and exceptions are reduced to the check's description.
/// </summary>
public static class HealthReportJsonWriter
{
    public const string ContentType = "application/json; charset=utf-8";

    public static async Task WriteResponseAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = ContentType;
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        Write(writer, report);
        await writer.FlushAsync(context.RequestAborted);
    }

    public static void Write(Utf8JsonWriter writer, HealthReport report)
    {
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteString("totalDuration", FormatDuration(report.TotalDuration));
        writer.WriteStartObject("entries");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            writer.WriteString("duration", FormatDuration(entry.Duration));
            if (entry.Description is { } description)
            {
                writer.WriteString("description", description);
            }
            else
            {
                writer.WriteNull("description");
            }

            writer.WriteStartArray("tags");
            foreach (var tag in entry.Tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string FormatDuration(TimeSpan duration) => duration.ToString("c", CultureInfo.InvariantCulture);
}
