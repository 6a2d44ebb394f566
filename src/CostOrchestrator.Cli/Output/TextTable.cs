using System.Text;

namespace CostOrchestrator.Cli.Output;

/// <summary>
/// Plain text columns padded to their widest cell, two spaces apart: readable on any terminal and easy to cut with
/// <c>awk</c>. Numbers are right-aligned so their digits line up.
/// </summary>
internal sealed class TextTable(params string[] header)
{
    private readonly List<string[]> _rows = [header];
    private readonly HashSet<int> _rightAligned = [];

    /// <summary>Right-aligns the named columns.</summary>
    public TextTable AlignRight(params string[] columns)
    {
        foreach (var column in columns)
        {
            _rightAligned.Add(Array.IndexOf(_rows[0], column));
        }

        return this;
    }

    public void Add(params string[] cells)
    {
        if (cells.Length != _rows[0].Length)
        {
            throw new ArgumentException($"a row has {cells.Length} cells, the header {_rows[0].Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void AppendTo(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var widths = Enumerable.Range(0, _rows[0].Length).Select(c => _rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in _rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => _rightAligned.Contains(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        }
    }
}
