/** Tests of run directories, metrics, events, progress and summaries, with the test-only counting run kind. */
package dev.mnemo.experiments.run;
