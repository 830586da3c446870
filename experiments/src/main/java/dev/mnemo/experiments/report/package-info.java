/** {@code mnemo report}: reads run directories and writes a markdown summary and PNG plots of their metrics. */
package dev.mnemo.experiments.report;
