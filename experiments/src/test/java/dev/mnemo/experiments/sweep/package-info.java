/** Tests of sweep expansion, up-front validation, resumption and aggregation. */
package dev.mnemo.experiments.sweep;
