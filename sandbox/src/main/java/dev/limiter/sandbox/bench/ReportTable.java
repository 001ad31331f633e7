package dev.limiter.sandbox.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: the first column left-aligned, the others right-aligned, as numbers read
 * best.
 */
final class ReportTable {

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  ReportTable(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row of as many cells as there are headers. */
  ReportTable row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "expected " + headers.size() + " cells, got " + cells.length);
    }
    rows.add(Arrays.stream(cells).map(String::valueOf).toList());
    return this;
  }

  /** The table, one line per row under a header line and a rule. */
  String render() {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, headers, widths);
    int total = Arrays.stream(widths).sum() + 2 * (widths.length - 1);
    out.append("-".repeat(total)).append('\n');
    rows.forEach(row -> line(out, row, widths));
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths) {
    for (int c = 0; c < cells.size(); c++) {
      if (c > 0) {
        out.append("  ");
      }
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      out.append(c == 0 ? cell + pad : pad + cell);
    }
    out.append('\n');
  }
}
