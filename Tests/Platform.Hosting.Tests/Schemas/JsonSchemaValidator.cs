using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Hosting.Tests.Schemas;

/// <summary>
/// The subset of JSON Schema draft-07 the Aspire manifest schema uses ($ref to local definitions, type, const, enum,
/// required, properties, additionalProperties, items, allOf, anyOf, oneOf, not, boolean schemas). The schema packages
/// on our mirror cannot load it (missing dependencies, or no boolean schemas), so the test carries this instead.
/// </summary>
internal sealed class JsonSchemaValidator(JsonNode root)
{
    public static JsonSchemaValidator Load(string path) => new(JsonNode.Parse(File.ReadAllText(path))!);

    public IReadOnlyList<string> Validate(JsonNode? instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonNode? schema, JsonNode? instance, string path, List<string> errors)
    {
        if (schema is JsonValue boolean && boolean.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            if (!boolean.GetValue<bool>())
            {
                errors.Add($"{path}: not allowed here");
            }

            return;
        }

        if (schema is not JsonObject rules)
        {
            return;
        }

        if (rules["$ref"] is JsonValue reference)
        {
            Check(Resolve(reference.GetValue<string>()), instance, path, errors);
        }

        if (rules["type"] is { } type && !MatchesType(type, instance))
        {
            errors.Add($"{path}: expected type {type.ToJsonString()}, found {Kind(instance)}");
            return;
        }

        if (rules["const"] is { } constant && !JsonNode.DeepEquals(constant, instance))
        {
            errors.Add($"{path}: expected {constant.ToJsonString()}");
        }

        if (rules["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, instance)))
        {
            errors.Add($"{path}: {instance?.ToJsonString()} is not one of {options.ToJsonString()}");
        }

        if (instance is JsonObject obj)
        {
            CheckObject(rules, obj, path, errors);
        }

        if (instance is JsonArray array && rules["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(items, array[i], $"{path}[{i}]", errors);
            }
        }

        if (rules["allOf"] is JsonArray allOf)
        {
            foreach (var sub in allOf)
            {
                Check(sub, instance, path, errors);
            }
        }

        if (rules["anyOf"] is JsonArray anyOf && !anyOf.Any(sub => IsValid(sub, instance, path)))
        {
            errors.Add($"{path}: matches none of anyOf");
        }

        if (rules["oneOf"] is JsonArray oneOf)
        {
            var matches = oneOf.Count(sub => IsValid(sub, instance, path));
            if (matches != 1)
            {
                errors.Add($"{path}: matches {matches} of oneOf, expected exactly 1");
            }
        }

        if (rules["not"] is { } not && IsValid(not, instance, path))
        {
            errors.Add($"{path}: matches a schema it must not");
        }
    }

    private void CheckObject(JsonObject rules, JsonObject obj, string path, List<string> errors)
    {
        if (rules["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()).Where(n => !obj.ContainsKey(n)))
            {
                errors.Add($"{path}: missing required property '{name}'");
            }
        }

        var properties = rules["properties"] as JsonObject;
        foreach (var (name, value) in obj)
        {
            if (properties?[name] is { } propertySchema || properties?.ContainsKey(name) == true)
            {
                Check(properties[name], value, $"{path}.{name}", errors);
            }
            else if (rules["additionalProperties"] is { } additional)
            {
                Check(additional, value, $"{path}.{name}", errors);
            }
        }
    }

    private bool IsValid(JsonNode? schema, JsonNode? instance, string path)
    {
        var errors = new List<string>();
        Check(schema, instance, path, errors);
        return errors.Count == 0;
    }

    private JsonNode? Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Only local references are supported: {reference}");
        }

        JsonNode? node = root;
        foreach (var segment in reference[2..].Split('/'))
        {
            node = node?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node ?? throw new InvalidOperationException($"Unresolvable reference {reference}");
    }

    private static bool MatchesType(JsonNode type, JsonNode? instance) => type is JsonArray types
        ? types.Any(t => MatchesType(t!, instance))
        : type.GetValue<string>() switch
        {
            "object" => instance is JsonObject,
            "array" => instance is JsonArray,
            "string" => Kind(instance) == "string",
            "boolean" => Kind(instance) == "boolean",
            "number" => Kind(instance) == "number",
            "integer" => Kind(instance) == "number" && instance!.GetValue<double>() % 1 == 0,
            "null" => instance is null,
            _ => false,
        };

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
    };
}
