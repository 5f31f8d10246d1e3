using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace RlmTokens.Json
{
    // Converters for what Windows PowerShell's ConvertTo-Json really writes (DESIGN.md section 4):
    // integers as 1234, 1234.0 or "1234"; a one-element array as a bare object; @() as null or {};
    // dates as ISO strings, "\/Date(ms)\/" or {"value": ..., "DateTime": ...}.

    /// <summary>An integer written as a number, a float with no fraction lost, a numeric string, or null (0).</summary>
    internal sealed class FlexibleInt64Converter : JsonConverter<long>
    {
        public override bool HandleNull => true;

        public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return 0;
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out long l)) { return l; }
                    return FromDouble(reader.GetDouble());
                case JsonTokenType.String:
                    string s = reader.GetString()!.Trim();
                    if (s.Length == 0) { return 0; }
                    if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out l)) { return l; }
                    if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) { return FromDouble(d); }
                    throw new JsonException($"'{Truncate(s)}' is not a number.");
                default:
                    throw new JsonException($"Expected a number, found {reader.TokenType}.");
            }
        }

        private static long FromDouble(double d)
        {
            if (double.IsNaN(d) || double.IsInfinity(d) || d > long.MaxValue || d < long.MinValue)
            {
                throw new JsonException($"{d.ToString(CultureInfo.InvariantCulture)} is out of range for a token count.");
            }
            return (long)Math.Round(d, MidpointRounding.AwayFromZero);
        }

        public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value);

        internal static string Truncate(string s) => s.Length <= 40 ? s : s.Substring(0, 40) + "...";
    }

    /// <summary>A number written as a number, a numeric string, or null (0). Non-finite values are refused.</summary>
    internal sealed class FlexibleDoubleConverter : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            double d;
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return 0;
                case JsonTokenType.Number:
                    d = reader.GetDouble();
                    break;
                case JsonTokenType.String:
                    string s = reader.GetString()!.Trim().TrimStart('$');
                    if (s.Length == 0) { return 0; }
                    if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                    {
                        throw new JsonException($"'{FlexibleInt64Converter.Truncate(s)}' is not a number.");
                    }
                    break;
                default:
                    throw new JsonException($"Expected a number, found {reader.TokenType}.");
            }
            if (double.IsNaN(d) || double.IsInfinity(d)) { throw new JsonException("NaN and Infinity are not amounts."); }
            return d;
        }

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value);
    }

    /// <summary>
    /// An amount of money (DESIGN.md section 6: money is decimal) written as a number (RLM's scripts write
    /// floats such as 0.4265512999999999, read as the decimal of their 15 significant digits), a numeric
    /// or "$"-prefixed string, or null (0). Written back as a JSON number with the digits it carries.
    /// </summary>
    internal sealed class FlexibleDecimalConverter : JsonConverter<decimal>
    {
        public override bool HandleNull => true;

        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            double d = new FlexibleDoubleConverter().Read(ref reader, typeof(double), options);
            return Pricing.Usd.FromDouble(d)
                ?? throw new JsonException($"{d.ToString(CultureInfo.InvariantCulture)} is out of range for an amount of money.");
        }

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(Pricing.Usd.Exact(value));
    }

    /// <summary>
    /// An amount of money that may be unknown: as <see cref="FlexibleDecimalConverter"/>, with null or ""
    /// read as null (unknown) and null written back. token-tracker.sh writes "cost": , when its price
    /// lookup fails; the log reader reads that as null.
    /// </summary>
    internal sealed class FlexibleNullableDecimalConverter : JsonConverter<decimal?>
    {
        public override bool HandleNull => true;

        public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) { return null; }
            if (reader.TokenType == JsonTokenType.String && reader.GetString()!.Trim().Length == 0) { return null; }
            return new FlexibleDecimalConverter().Read(ref reader, typeof(decimal), options);
        }

        public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
        {
            if (value is decimal d) { writer.WriteNumberValue(Pricing.Usd.Exact(d)); } else { writer.WriteNullValue(); }
        }
    }

    /// <summary>
    /// A string-ish scalar: a string, a number or boolean (kept as its text), null, or PowerShell's
    /// serialized DateTime object {"value": "\/Date(ms)\/", "DateTime": "..."} (its value).
    /// </summary>
    internal sealed class FlexibleStringConverter : JsonConverter<string?>
    {
        public override bool HandleNull => true;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return null;
                case JsonTokenType.String:
                    return reader.GetString();
                case JsonTokenType.Number:
                    return System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray());
                case JsonTokenType.True:
                    return "true";
                case JsonTokenType.False:
                    return "false";
                case JsonTokenType.StartObject:
                    string? found = null;
                    int depth = reader.CurrentDepth;
                    while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
                    {
                        if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1)
                        {
                            string name = reader.GetString()!;
                            reader.Read();
                            if ((name == "value" || (name == "DateTime" && found is null)) && reader.TokenType == JsonTokenType.String)
                            {
                                found = reader.GetString();
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                    return found;
                default:
                    throw new JsonException($"Expected text, found {reader.TokenType}.");
            }
        }

        public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
        {
            if (value is null) { writer.WriteNullValue(); } else { writer.WriteStringValue(value); }
        }
    }

    /// <summary>
    /// A list written as an array, as a bare object (PowerShell's one-element array), as null or as
    /// {} (PowerShell's empty array). Always written back as an array.
    /// </summary>
    internal sealed class FlexibleListConverter<T> : JsonConverter<List<T>>
        where T : class
    {
        public override bool HandleNull => true;

        public override List<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var list = new List<T>();
            var info = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return list;
                case JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.Null) { continue; }
                        T? item = JsonSerializer.Deserialize(ref reader, info);
                        if (item is not null) { list.Add(item); }
                    }
                    return list;
                case JsonTokenType.StartObject:
                    Utf8JsonReader probe = reader;
                    probe.Read();
                    if (probe.TokenType == JsonTokenType.EndObject)
                    {
                        reader.Read();
                        return list;
                    }
                    T? single = JsonSerializer.Deserialize(ref reader, info);
                    if (single is not null) { list.Add(single); }
                    return list;
                default:
                    if (typeof(T) == typeof(string))
                    {
                        T? scalar = JsonSerializer.Deserialize(ref reader, info);
                        if (scalar is not null) { list.Add(scalar); }
                        return list;
                    }
                    throw new JsonException($"Expected an array, found {reader.TokenType}.");
            }
        }

        public override void Write(Utf8JsonWriter writer, List<T> value, JsonSerializerOptions options)
        {
            var info = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
            writer.WriteStartArray();
            foreach (T item in value) { JsonSerializer.Serialize(writer, item, info); }
            writer.WriteEndArray();
        }
    }
}
