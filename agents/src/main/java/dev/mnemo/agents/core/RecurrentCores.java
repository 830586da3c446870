package dev.mnemo.agents.core;

import java.util.List;

/**
 * The cores a config can name ({@code core = lstm | gru | ln_gru | ln_gru_relu | elman | indrnn | linattn | fwp | lmu |
 * s4d | framestack | mlp}; the last two are the memory-less controls) and how to build one.
 */
public final class RecurrentCores {

  private RecurrentCores() {}

  /** Config names of every core, in the order docs and benchmarks list them. */
  public static List<String> names() {
    return List.of(LstmCore.NAME, GruCore.NAME, LayerNormGruCore.NAME, LayerNormGruCore.NAME_RELU, ElmanCore.NAME,
        IndRnnCore.NAME, LinearAttentionCore.NAME, FastWeightCore.NAME, LmuCore.NAME, S4dCore.NAME,
        FrameStackCore.FRAME_STACK, FrameStackCore.MLP);
  }

  /** The core called {@code name} with the given input and hidden widths. */
  public static RecurrentCore create(String name, int inputSize, int hiddenSize) {
    return switch (name) {
      case LstmCore.NAME -> new LstmCore(inputSize, hiddenSize);
      case GruCore.NAME -> new GruCore(inputSize, hiddenSize);
      case LayerNormGruCore.NAME -> new LayerNormGruCore(inputSize, hiddenSize);
      case LayerNormGruCore.NAME_RELU -> new LayerNormGruCore(inputSize, hiddenSize, true);
      case ElmanCore.NAME -> new ElmanCore(inputSize, hiddenSize);
      case IndRnnCore.NAME -> new IndRnnCore(inputSize, hiddenSize);
      case LinearAttentionCore.NAME -> new LinearAttentionCore(inputSize, hiddenSize);
      case FastWeightCore.NAME -> new FastWeightCore(inputSize, hiddenSize);
      case LmuCore.NAME -> new LmuCore(inputSize, hiddenSize);
      case S4dCore.NAME -> new S4dCore(inputSize, hiddenSize);
      case FrameStackCore.FRAME_STACK -> FrameStackCore.frameStack(inputSize, hiddenSize);
      case FrameStackCore.MLP -> FrameStackCore.mlp(inputSize, hiddenSize);
      default -> throw new IllegalArgumentException("unknown recurrent core '" + name + "'; known: " + names());
    };
  }
}
