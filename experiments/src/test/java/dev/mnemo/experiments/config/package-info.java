/** Tests of config schemas, ranges and edit distance. */
package dev.mnemo.experiments.config;
