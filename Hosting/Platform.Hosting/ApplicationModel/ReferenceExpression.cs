using System.Runtime.CompilerServices;
using System.Text;

namespace Platform.Hosting.ApplicationModel;

/// <summary>A string built from literals and values that are only known at run time, which renders two ways:
/// the real value for a local run and the manifest expression for a deployment.</summary>
public sealed class ReferenceExpression : IValueProvider, IManifestExpressionProvider
{
    private readonly string[] _literals;
    private readonly object[] _values;

    private ReferenceExpression(string[] literals, object[] values)
    {
        _literals = literals;
        _values = values;
    }

    /// <summary>Values in order; each is an <see cref="IValueProvider"/> that also implements <see cref="IManifestExpressionProvider"/>.</summary>
    public IReadOnlyList<object> ValueProviders => _values;

    public string ValueExpression => Render(v => ((IManifestExpressionProvider)v).ValueExpression);

    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var resolved = new string?[_values.Length];
        for (var i = 0; i < _values.Length; i++)
        {
            resolved[i] = await ((IValueProvider)_values[i]).GetValueAsync(cancellationToken).ConfigureAwait(false);
        }

        var index = 0;
        return Render(_ => resolved[index++]);
    }

    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) => handler.Build();

    public override string ToString() => ValueExpression;

    private string Render(Func<object, string?> valueOf)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _literals.Length; i++)
        {
            sb.Append(_literals[i]);
            if (i < _values.Length)
            {
                sb.Append(valueOf(_values[i]));
            }
        }

        return sb.ToString();
    }

    [InterpolatedStringHandler]
    public readonly ref struct ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
    {
        private readonly List<string> _literals = new(formattedCount + 1);
        private readonly List<object> _values = new(formattedCount);
        private readonly StringBuilder _current = new(literalLength);

        public void AppendLiteral(string value) => _current.Append(value);

        public void AppendFormatted(string? value) => _current.Append(value);

        public void AppendFormatted<T>(T value) where T : IValueProvider, IManifestExpressionProvider
        {
            _literals.Add(_current.ToString());
            _current.Clear();
            _values.Add(value);
        }

        internal ReferenceExpression Build() => new([.. _literals, _current.ToString()], [.. _values]);
    }
}
