package dev.mnemo.agents.core;

/**
 * What every core's training pass keeps the same way: its shape, {@code batch} rows by {@code time} steps
 * ({@code n = batch * time} window rows, time-major), checked once here.
 */
abstract class WindowPass implements CoreTraining.Pass {

  final int bs;
  final int time;
  /** bs * time: rows of the window. */
  final int n;

  WindowPass(int bs, int time) {
    CoreTraining.checkShape(bs, time);
    this.bs = bs;
    this.time = time;
    this.n = bs * time;
  }

  @Override
  public final int batch() {
    return bs;
  }

  @Override
  public final int time() {
    return time;
  }
}
