/** In-process tests of the mnemo command tree: exit codes, output, dispatch. */
package dev.mnemo.experiments.cli;
