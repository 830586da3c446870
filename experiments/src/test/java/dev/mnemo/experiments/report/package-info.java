/** Tests of the markdown and PNG report over synthetic run directories. */
package dev.mnemo.experiments.report;
