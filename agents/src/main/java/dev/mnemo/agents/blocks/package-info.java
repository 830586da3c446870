/**
 * Composable network blocks with forward and backward on the {@link dev.mnemo.agents.kernel.BatchOps}
 * products (training form) and their acting forms: the input row, the Dense+ReLU encoder, the dueling Q
 * head. A network is input row + encoder + {@link dev.mnemo.agents.core.RecurrentCore} + head(s).
 */
package dev.mnemo.agents.blocks;
