using System.Runtime.Serialization;
using Cluster.Agents.Core.Calls;
using Cluster.Contracts.Calls;
using Xunit;

namespace Cluster.Tests.Endpoints;

public sealed class ValueConversionSpec
{
    public enum Gear
    {
        Low,
        High,
    }

    [Fact]
    public void Numbers_and_strings_convert_with_the_invariant_culture()
    {
        Assert.Equal(2.0, Convert(2L, typeof(double)));
        Assert.Equal(7, Convert("7", typeof(int)));
        Assert.Equal(1.5, Convert("1.5", typeof(double)));
        Assert.Equal(3, Convert(3.0, typeof(int?)));
    }

    [Fact]
    public void Enums_convert_from_their_name_ignoring_case_or_from_their_number()
    {
        Assert.Equal(Gear.High, Convert("high", typeof(Gear)));
        Assert.Equal(Gear.High, Convert(1L, typeof(Gear)));
        Assert.False(ValueConversion.TryConvert("1", typeof(Gear), null, out _));
        Assert.False(ValueConversion.TryConvert("reverse", typeof(Gear), null, out _));
    }

    [Fact]
    public void Json_is_read_as_the_wanted_type()
    {
        Assert.Equal(new Pose(1.5, -2), Convert(new JsonArgument("""{"X": 1.5, "Y": -2}"""), typeof(Pose)));
        Assert.Equal(Gear.Low, Convert(new JsonArgument("\"Low\""), typeof(Gear)));
        Assert.Equal(new[] { 1, 2 }, Convert(new JsonArgument("[1, 2]"), typeof(int[])));
    }

    [Fact]
    public void Json_read_as_an_object_gives_integral_numbers_as_long_and_others_as_double()
    {
        Assert.IsType<long>(Convert(new JsonArgument("3"), typeof(object)));
        Assert.IsType<double>(Convert(new JsonArgument("3.5"), typeof(object)));
        var list = Assert.IsType<object?[]>(Convert(new JsonArgument("[1, 2.5, \"x\"]"), typeof(object)));
        Assert.Equal(new object?[] { 1L, 2.5, "x" }, list);
    }

    [Fact]
    public void Null_fits_references_and_nullables_but_not_plain_value_types()
    {
        Assert.True(ValueConversion.TryConvert(null, typeof(string), null, out _));
        Assert.True(ValueConversion.TryConvert(null, typeof(int?), null, out _));
        Assert.False(ValueConversion.TryConvert(null, typeof(int), null, out _));
        Assert.False(ValueConversion.TryConvert(new JsonArgument("null"), typeof(double), null, out _));
    }

    [Fact]
    public void What_does_not_convert_is_refused()
    {
        Assert.False(ValueConversion.TryConvert("fast", typeof(double), null, out _));
        Assert.False(ValueConversion.TryConvert(new Pose(1, 2), typeof(string), null, out _));
        Assert.False(ValueConversion.TryConvert(new JsonArgument("{bad"), typeof(Pose), null, out _));
    }

    [Fact]
    public void A_face_conversion_is_tried_before_the_rule_gives_up()
    {
        Assert.True(ValueConversion.TryConvert(new Pose(1, 2), typeof(string), (value, type) => type == typeof(string) ? value.ToString() : null, out var text));
        Assert.Equal(new Pose(1, 2).ToString(), text);
    }

    [Fact]
    public void Expect_converts_an_answer_or_names_who_answered_and_both_types()
    {
        Assert.Equal(4.0, ValueConversion.Expect<double>(4L, () => "'drive'"));

        var error = Assert.Throws<InvalidCastException>(() => ValueConversion.Expect<int>("fast", () => "'drive' on node-a"));

        Assert.Equal("'drive' on node-a answered with System.String where System.Int32 was expected.", error.Message);
    }

    [Fact]
    public void Expect_reports_an_unreadable_answer_as_a_serialization_error()
    {
        var unreadable = new UnreadablePayload("The payload of type X is unknown on node-b.");

        var error = Assert.Throws<SerializationException>(() => ValueConversion.Expect<object>(unreadable, () => "'drive'"));

        Assert.Equal("'drive' answered, but the payload of type X is unknown on node-b.", error.Message);
    }

    private static object? Convert(object? value, Type type)
    {
        Assert.True(ValueConversion.TryConvert(value, type, null, out var converted), $"{value} should convert to {type.Name}");
        return converted;
    }

    public sealed record Pose(double X, double Y);
}
