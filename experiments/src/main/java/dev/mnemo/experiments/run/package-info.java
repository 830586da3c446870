/** Running a validated config: run kinds, run directories, metrics, events, progress and summaries. */
package dev.mnemo.experiments.run;
