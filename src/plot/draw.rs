//! Renders a [`Figure`] with plotters, to SVG or PNG: title, a legend row, then the panels
//! stacked over a shared x axis (only the bottom one carries the x axis description).

use super::{eng_tick, tick_label, Axis, Figure, Format, Panel};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// Line colours (Tableau 10: distinct, and readable by most colour-blind viewers).
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

const FONT: &str = "sans-serif";

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Line pattern of series `i`: solid for the first round of the palette, then dashed, then
/// short dashes (dash length, gap in pixels), so up to 30 series stay distinct.
fn dash(i: usize) -> Option<(u32, u32)> {
    match (i / PALETTE.len()) % 3 {
        0 => None,
        1 => Some((9, 5)),
        _ => Some((3, 4)),
    }
}

/// Registers the embedded DejaVu Sans as plotters' `sans-serif` (once per process).
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded fonts are valid TrueType; a failure would only mean text is not drawn.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

pub(super) fn draw(
    path: &Path,
    format: Format,
    width: u32,
    height: u32,
    figure: &Figure,
) -> Result<(), String> {
    register_fonts();
    match format {
        Format::Svg => {
            let root = SVGBackend::new(path, (width, height)).into_drawing_area();
            render(&root, figure)?;
            root.present().map_err(|e| e.to_string())
        }
        Format::Png => {
            let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
            render(&root, figure)?;
            root.present().map_err(|e| e.to_string())
        }
    }
}

/// `figure` as SVG text.
pub(super) fn svg_string(width: u32, height: u32, figure: &Figure) -> Result<String, String> {
    register_fonts();
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
        render(&root, figure)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(text)
}

fn render<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (width, _) = root.dim_in_pixel();

    // Title.
    let title_style = TextStyle::from((FONT, 22).into_font().style(FontStyle::Bold)).color(&BLACK);
    let title = fit_text(root, &figure.title, &title_style, width as i32 - 40);
    root.draw(&Text::new(title, (20, 12), title_style.clone()))
        .map_err(err)?;

    // Legend: swatch and name, flowing left to right, wrapping as needed.
    let legend_style = TextStyle::from((FONT, 16).into_font()).color(&BLACK);
    let left = 90;
    let (mut x, mut y) = (left, 48);
    let row_height = 22;
    for (name, c) in &figure.legend {
        let (w, _) = root.estimate_text_size(name, &legend_style).map_err(err)?;
        let item = 30 + w as i32 + 24;
        if x + item > width as i32 - 20 && x > left {
            x = left;
            y += row_height;
        }
        let mid = y + 9;
        let swatch: Vec<(i32, i32)> = match dash(*c) {
            None => vec![(x, x + 24)],
            Some((on, off)) => (0..24)
                .step_by((on + off) as usize)
                .map(|s| (x + s, x + (s + on as i32).min(24)))
                .collect(),
        };
        for (a, b) in swatch {
            root.draw(&PathElement::new(
                vec![(a, mid), (b, mid)],
                colour(*c).stroke_width(3),
            ))
            .map_err(err)?;
        }
        root.draw(&Text::new(name.clone(), (x + 30, y), legend_style.clone()))
            .map_err(err)?;
        x += item;
    }
    let header = y + row_height + 8;

    let (_, body) = root.split_vertically(header);
    let n = figure.panels.len().max(1);
    let areas = body.split_evenly((n, 1));
    for (i, (area, panel)) in areas.iter().zip(&figure.panels).enumerate() {
        let last = i + 1 == n;
        if figure.x.log {
            let range = (figure.x.min..figure.x.max).log_scale();
            draw_panel(area, range, &figure.x, panel, last, true)?;
        } else {
            draw_panel(
                area,
                figure.x.min..figure.x.max,
                &figure.x,
                panel,
                last,
                false,
            )?;
        }
    }
    Ok(())
}

/// Shortens `text` with an ellipsis until it fits in `max_width` pixels.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_width: i32,
) -> String {
    let fits = |s: &str| {
        area.estimate_text_size(s, style)
            .map_or(true, |(w, _)| w as i32 <= max_width)
    };
    if fits(text) {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().collect::<String>() + "...";
        if fits(&s) {
            return s;
        }
    }
    String::new()
}

fn draw_panel<DB, X>(
    area: &DrawingArea<DB, Shift>,
    x_range: X,
    x_axis: &Axis,
    panel: &Panel,
    bottom: bool,
    log: bool,
) -> Result<(), String>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut chart = ChartBuilder::on(area)
        .margin_left(10)
        .margin_right(30)
        .margin_top(8)
        .margin_bottom(if bottom { 8 } else { 4 })
        .x_label_area_size(if bottom { 52 } else { 28 })
        .y_label_area_size(80)
        .build_cartesian_2d(x_range, panel.y.min..panel.y.max)
        .map_err(err)?;
    let x_fmt = |v: &f64| if log { eng_tick(*v) } else { tick_label(*v) };
    let y_fmt = |v: &f64| tick_label(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(if log { 12 } else { 10 })
        .y_labels(8)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .y_desc(panel.y.label.clone())
        .bold_line_style(RGBColor(200, 200, 200).stroke_width(1))
        .light_line_style(RGBColor(236, 236, 236).stroke_width(1))
        .axis_style(RGBColor(80, 80, 80));
    if bottom {
        mesh.x_desc(x_axis.label.clone());
    }
    mesh.draw().map_err(err)?;
    for (c, lines) in &panel.series {
        let style = colour(*c).stroke_width(2);
        for line in lines {
            if line.len() == 1 {
                chart
                    .draw_series(std::iter::once(Circle::new(line[0], 2, style.filled())))
                    .map_err(err)?;
            } else if let Some((on, off)) = dash(*c) {
                chart
                    .draw_series(DashedLineSeries::new(line.iter().copied(), on, off, style))
                    .map_err(err)?;
            } else {
                chart
                    .draw_series(LineSeries::new(line.iter().copied(), style))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}
