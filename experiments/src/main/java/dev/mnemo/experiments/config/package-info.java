/** Typed schemas for HOCON run configs, and the validator that reports every problem with file, key and expectation. */
package dev.mnemo.experiments.config;
