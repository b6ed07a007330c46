using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClusterCtl.Cli.Logging;

/// <summary>
/// Formatted log text as a Spectre renderable, written as it is: no markup, no wrapping at the console's width
/// (the terminal wraps, so a copied line stays one line). It first clears the screen below the cursor: while a live
/// display is drawn, Spectre writes the text where the display's rows were, and rows the text does not cover in full
/// would otherwise keep pieces of the old display.
/// </summary>
internal sealed class VerbatimLogText(string text) : IRenderable
{
    public Measurement Measure(RenderOptions options, int maxWidth) => new(0, maxWidth);

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        IRenderable clearBelow = ControlCode.Create(options.Capabilities, writer => writer.EraseInDisplay(0));
        foreach (var segment in clearBelow.Render(options, maxWidth))
        {
            yield return segment;
        }

        yield return new Segment(text);
    }
}
