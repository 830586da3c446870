package dev.mnemo.learners.r2d2.ablation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A minimal headless line chart (a row of panels, shared legend) drawn with {@code java.awt} into a PNG:
 * learners does not depend on a plotting library, and the ablation needs only lines over env steps.
 */
final class LinePlot {

  /** One line of a panel: its label, colour index, and y per x (NaN = gap). */
  record Series(String label, int color, double[] y) {}

  /** One panel: a title, shared x values, lines, and whether y is drawn on a log10 axis. */
  record Panel(String title, double[] x, List<Series> series, boolean logY) {}

  private static final Color[] PALETTE = {new Color(0xD62728), new Color(0xFF7F0E), new Color(0x1F77B4),
      new Color(0x2CA02C), new Color(0x9467BD), new Color(0x8C564B)};
  private static final int PANEL_W = 420;
  private static final int PANEL_H = 320;
  private static final int LEFT = 60;
  private static final int RIGHT = 15;
  private static final int TOP = 30;
  private static final int BOTTOM = 45;
  private static final int LEGEND_H = 30;

  private LinePlot() {}

  static void write(Path file, String xLabel, List<Panel> panels) {
    int w = PANEL_W * panels.size();
    int h = PANEL_H + LEGEND_H;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int p = 0; p < panels.size(); p++) {
      drawPanel(g, panels.get(p), p * PANEL_W, xLabel);
    }
    // legend from the first panel's series
    int lx = 10;
    for (Series s : panels.get(0).series()) {
      g.setColor(PALETTE[s.color() % PALETTE.length]);
      g.setStroke(new BasicStroke(2.5f));
      g.drawLine(lx, PANEL_H + 15, lx + 25, PANEL_H + 15);
      g.setColor(Color.BLACK);
      g.drawString(s.label(), lx + 30, PANEL_H + 19);
      lx += 40 + g.getFontMetrics().stringWidth(s.label()) + 20;
    }
    g.dispose();
    try {
      if (!ImageIO.write(img, "png", file.toFile())) {
        throw new IllegalStateException("no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plot " + file, e);
    }
  }

  private static void drawPanel(Graphics2D g, Panel panel, int x0, String xLabel) {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    for (double x : panel.x()) {
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
    }
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : panel.series()) {
      for (double y : s.y()) {
        double v = tr(y, panel.logY());
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
          yMin = Math.min(yMin, v);
          yMax = Math.max(yMax, v);
        }
      }
    }
    if (!(xMax > xMin)) {
      xMax = xMin + 1;
    }
    if (yMin == Double.POSITIVE_INFINITY) {
      yMin = 0;
      yMax = 1;
    }
    if (panel.logY()) {
      yMin = Math.floor(yMin);
      yMax = Math.ceil(yMax);
    }
    if (!(yMax > yMin)) {
      yMax = yMin + 1;
    }
    double pad = panel.logY() ? 0 : 0.05 * (yMax - yMin);
    yMin -= pad;
    yMax += pad;
    int pl = x0 + LEFT;
    int pr = x0 + PANEL_W - RIGHT;
    int pt = TOP;
    int pb = PANEL_H - BOTTOM;
    g.setColor(Color.BLACK);
    g.drawString(panel.title(), pl, TOP - 10);
    g.drawRect(pl, pt, pr - pl, pb - pt);
    // y ticks: decades on a log axis, 5 even steps otherwise
    List<Double> ticks = new ArrayList<>();
    if (panel.logY()) {
      for (double d = yMin; d <= yMax + 1e-9; d++) {
        ticks.add(d);
      }
    } else {
      for (int i = 0; i <= 5; i++) {
        ticks.add(yMin + i * (yMax - yMin) / 5);
      }
    }
    for (double t : ticks) {
      int py = (int) Math.round(pb - (t - yMin) / (yMax - yMin) * (pb - pt));
      g.setColor(new Color(0xE0E0E0));
      g.drawLine(pl + 1, py, pr - 1, py);
      g.setColor(Color.BLACK);
      String label = panel.logY() ? String.format(Locale.ROOT, "1e%d", Math.round(t))
          : String.format(Locale.ROOT, "%.2f", t);
      g.drawString(label, pl - 5 - g.getFontMetrics().stringWidth(label), py + 4);
    }
    for (int i = 0; i <= 4; i++) {
      double t = xMin + i * (xMax - xMin) / 4;
      int px = (int) Math.round(pl + (t - xMin) / (xMax - xMin) * (pr - pl));
      String label = String.format(Locale.ROOT, "%.0fk", t / 1000);
      g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, pb + 15);
    }
    g.drawString(xLabel, (pl + pr) / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, pb + 32);
    g.setStroke(new BasicStroke(2f));
    for (Series s : panel.series()) {
      g.setColor(PALETTE[s.color() % PALETTE.length]);
      int prevX = -1;
      int prevY = -1;
      for (int i = 0; i < panel.x().length && i < s.y().length; i++) {
        double v = tr(s.y()[i], panel.logY());
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          prevX = -1;
          continue;
        }
        int px = (int) Math.round(pl + (panel.x()[i] - xMin) / (xMax - xMin) * (pr - pl));
        int py = (int) Math.round(pb - (Math.max(yMin, Math.min(yMax, v)) - yMin) / (yMax - yMin) * (pb - pt));
        if (prevX >= 0) {
          g.drawLine(prevX, prevY, px, py);
        }
        g.fillOval(px - 2, py - 2, 5, 5);
        prevX = px;
        prevY = py;
      }
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static double tr(double y, boolean log) {
    return log ? (y > 0 ? Math.log10(y) : Double.NaN) : y;
  }
}
