/** Allocation-free pure-Java inference kernels that actors run on weights from a {@code ParamSnapshot}. */
package dev.mnemo.agents.kernel;
