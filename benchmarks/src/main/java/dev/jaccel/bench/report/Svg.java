package dev.jaccel.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A horizontal bar chart of medians with a min-p90 whisker, written as plain SVG. */
final class Svg {
    /** The label column: at least this, wider when a label needs it (12 px sans-serif: ~6.6 px a character). */
    private static final int MIN_LABEL_WIDTH = 330;
    private static final double CHAR_WIDTH = 6.6;
    private static final int PLOT_WIDTH = 440;
    private static final int ROW = 30;
    private static final int TOP = 46;

    static String barChart(List<LatencyReport.Entry> entries, Map<String, String> meta) {
        double max = entries.stream().filter(LatencyReport.Entry::available)
                .mapToDouble(e -> e.stats().p90()).filter(v -> !Double.isNaN(v)).max().orElse(1);
        double scale = PLOT_WIDTH / niceCeiling(max);
        int height = TOP + ROW * entries.size() + 40;
        int longest = entries.stream().mapToInt(e -> e.label().length()).max().orElse(0);
        int labelWidth = Math.max(MIN_LABEL_WIDTH, 16 + (int) Math.ceil(CHAR_WIDTH * longest));
        int width = labelWidth + PLOT_WIDTH + 90;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(10, 20, "bold", "14", "Start latency, median ms (whisker: min to p90)"));
        String subtitle = meta.getOrDefault("date", "") + "  " + meta.getOrDefault("machine", "");
        svg.append(text(10, 36, "normal", "11", subtitle.strip()));
        double ceiling = niceCeiling(max);
        for (int i = 0; i <= 4; i++) {
            double v = ceiling * i / 4;
            double x = labelWidth + v * scale;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                    x, TOP - 4, x, TOP + ROW * entries.size()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
                    x, TOP + ROW * entries.size() + 16, trim(v)));
        }
        int y = TOP;
        for (LatencyReport.Entry e : entries) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    labelWidth - 8, y + 16, escape(e.label())));
            if (e.available()) {
                LatencyReport.Stats s = e.stats();
                double w = Math.max(1, s.median() * scale);
                String color = e.name().startsWith("hook") || e.name().startsWith("runtime") ? "#2b6cb0" : "#a0aec0";
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", labelWidth, y + 5, w, ROW - 12, color));
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\" stroke-width=\"1.5\"/>\n",
                        labelWidth + s.min() * scale, y + ROW / 2, labelWidth + s.p90() * scale, y + ROW / 2));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
                        labelWidth + Math.max(w, s.p90() * scale) + 6, y + 16, LatencyReport.f1(s.median())));
            } else {
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\" font-style=\"italic\">not available</text>\n",
                        labelWidth + 4, y + 16));
            }
            y += ROW;
        }
        svg.append(text(labelWidth + PLOT_WIDTH / 2 - 10, height - 6, "normal", "11", "ms"));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String text(int x, int y, String weight, String size, String s) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"%s\" font-size=\"%s\">%s</text>\n",
                x, y, weight, size, escape(s));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private Svg() {
    }
}
