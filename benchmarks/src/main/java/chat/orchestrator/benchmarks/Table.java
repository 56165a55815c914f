package chat.orchestrator.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table the run ends with: each comparison, ours, the reference, and ours divided by the reference. */
final class Table {
    private record Row(String comparison, int concurrency, String ours, String reference, double ratio) {
    }

    private final List<Row> rows = new ArrayList<>();

    void row(String comparison, int concurrency, String ours, String reference, double ratio) {
        rows.add(new Row(comparison, concurrency, ours, reference, ratio));
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("| comparison | threads / connections | ours | reference | ratio |\n");
        out.append("| --- | --- | --- | --- | --- |\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", row.comparison(), row.concurrency(),
                    row.ours(), row.reference(), Double.isNaN(row.ratio()) ? "-"
                            : String.format(Locale.ROOT, "%.2f", row.ratio())));
        }
        return out.toString();
    }
}
