using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Generated malformed input (FsCheck): a valid JSON body with one thing broken at one place (a null, a wrong type, a
/// control character alone or inside a longer string, a huge or overflowing number, a very long string, a missing or unknown member, a truncated
/// or garbled document, deep nesting), and hostile query or path values.
/// </summary>
public static class Fuzz
{
    private const string Placeholder = "__fuzz__";

    /// <summary>Raw JSON values put where a value was.</summary>
    private static readonly string[] Values =
    [
        "null", "true", "0", "-1", "-0", "1e308", "1e400", "-1e400", "99999999999999999999999999999999", "2147483648", "0.000000000000000000000000001",
        "\"\"", "\" \"", "\"\\u0000\\u0001\\u001f\"", "\"kettle\\u0000\"", "\"ket\\u0000tle\"", "\"kettle\\u0007\\r\\n\"", "\"\\ud800\"", "\"😀\"", "\"2026-13-45T25:61:00Z\"", "\"NaN\"", "\"-Infinity\"",
        $"\"{new string('x', 100_000)}\"", "[]", "{}", "[null]", "{\"a\":null}", "[1,2,3]", "\"1\"", "\"<script>\"", "\"'; DROP TABLE orders; --\"",
    ];

    /// <summary>Query and path values, URL-encoded by the caller.</summary>
    public static readonly string[] Texts =
    [
        "", " ", "-1", "0", "2147483648", "99999999999999999999", "1e10", "NaN", "\0", "%", "'; DROP TABLE orders; --", "😀", "\ud800",
        "kettle\0", "ket\0tle", "kettle\u0001", "../../etc/passwd", "1,2,3,", ",,,,", string.Concat(Enumerable.Repeat("1,", 2_000)), new string('a', 4_000), "null", "true", "[]", "{}",
        "00000000-0000-0000-0000-000000000000", "zz-not-a-guid", "\r\n", "\t",
    ];

    /// <summary><paramref name="count"/> broken variants of <paramref name="template"/>, reproducible from <paramref name="seed"/>.</summary>
    public static string[] Bodies(JsonNode template, int count, ulong seed)
    {
        var paths = Paths(template).ToArray();
        var text = template.ToJsonString();
        var gen = Gen.OneOf(
            // one value replaced
            Gen.Elements(paths).Zip(Gen.Elements(Values)).Select(p => Replace(template, p.Item1, p.Item2)),
            // one member removed, or an unknown one added
            Gen.Elements(paths).Select(p => Remove(template, p)),
            Gen.Elements(Values).Select(v => text.Length > 1 ? $"{{\"unknownMember\":{v},{text[1..]}" : text),
            // the document itself broken
            Gen.Choose(0, text.Length - 1).Select(n => text[..n]),
            Gen.Choose(0, text.Length - 1).Select(n => text[..n] + "\u0000" + text[n..]),
            Gen.Elements("", "null", "[]", "\"text\"", "{", "}", "{\"lines\":", "<xml/>", new string('[', 10_000) + new string(']', 10_000), "{\"a\":" + new string('{', 5_000)),
            Gen.Elements(Values).Select(v => $"[{text},{v}]"));
        return [.. gen.Sample(50, new Rnd(seed), count)];
    }

    public static string[] QueryValues(int count, ulong seed) => [.. Gen.Elements(Texts).Sample(10, new Rnd(seed), count)];

    private static IEnumerable<string> Paths(JsonNode node, string prefix = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    var path = $"{prefix}/{name}";
                    yield return path;
                    if (child is not null)
                    {
                        foreach (var inner in Paths(child, path))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var path = $"{prefix}/{i}";
                    yield return path;
                    if (array[i] is { } child)
                    {
                        foreach (var inner in Paths(child, path))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
        }
    }

    private static string Replace(JsonNode template, string path, string raw)
    {
        var copy = template.DeepClone();
        var (parent, key) = Locate(copy, path);
        if (parent is JsonObject obj)
        {
            obj[key] = Placeholder;
        }
        else if (parent is JsonArray array)
        {
            array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] = Placeholder;
        }

        return copy.ToJsonString().Replace($"\"{Placeholder}\"", raw, StringComparison.Ordinal);
    }

    private static string Remove(JsonNode template, string path)
    {
        var copy = template.DeepClone();
        var (parent, key) = Locate(copy, path);
        if (parent is JsonObject obj)
        {
            obj.Remove(key);
        }
        else if (parent is JsonArray array)
        {
            array.RemoveAt(int.Parse(key, System.Globalization.CultureInfo.InvariantCulture));
        }

        return copy.ToJsonString();
    }

    private static (JsonNode Parent, string Key) Locate(JsonNode root, string path)
    {
        var parts = path.Trim('/').Split('/');
        var parent = root;
        foreach (var part in parts[..^1])
        {
            parent = parent is JsonArray array ? array[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]! : parent[part]!;
        }

        return (parent, parts[^1]);
    }
}
