package dev.mnemo.learners.ald;

import dev.mnemo.agents.ParamSnapshot;
import dev.mnemo.agents.rl2.ActorCriticSpec;
import dev.mnemo.agents.transformer.GtrxlTrunk;
import dev.mnemo.agents.transformer.TransformerActorCritic;
import dev.mnemo.learners.checkpoint.CheckpointFile;
import dev.mnemo.learners.optim.AdamState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An {@link AldState} on disk: a checksummed file written to a temporary file and renamed over the target
 * ({@link CheckpointFile}), so a crash leaves the old state or the new one. The file starts with the learner's
 * shape (mode, batch, both networks' sizes and parameter counts); a learner of another shape refuses it, naming the
 * file and both shapes, before anything of it is applied.
 */
final class AldStateFile {
  private static final String MAGIC = "MNEMO-ALD";
  private static final int FORMAT = 1;

  private AldStateFile() {}

  /** The shape a state file must match: what makes its arrays and its minibatch stream fit a learner. */
  static String shape(AldLearner.Mode mode, int trials, int time, TransformerActorCritic transformer,
      ActorCriticSpec actor) {
    GtrxlTrunk t = transformer.trunk();
    String lstm = actor == null ? "no LSTM" : "LSTM " + List.of(actor.inputSize(), actor.numActions(),
        actor.encoderSizes(), actor.coreName(), actor.coreSize(), actor.headSizes(), actor.separateValueNetwork())
        + " of " + actor.paramCount() + " parameters";
    return "mode " + mode.configName() + ", " + trials + " episodes of " + time + " steps, Transformer "
        + List.of(t.inputWidth(), t.width(), t.layers(), t.heads(), t.ffWidth(), t.memory(), t.segment(),
            t.gateBias(), transformer.headHidden(), transformer.numActions())
        + " of " + transformer.paramCount() + " parameters, " + lstm;
  }

  static void write(Path file, AldState s) {
    CheckpointFile.write(file, MAGIC, FORMAT, out -> {
      out.writeUTF(s.shape());
      out.writeLong(s.updates());
      out.writeLong(s.shuffle());
      out.writeDouble(s.lastKl());
      out.writeDouble(s.lastValueError());
      out.writeDouble(s.lastActorNorm());
      writeNetwork(out, s.learnerParams(), s.learnerAdam());
      out.writeBoolean(s.actorParams() != null);
      if (s.actorParams() != null) {
        writeNetwork(out, s.actorParams(), s.actorAdam());
      }
      out.writeLong(s.published().version());
      CheckpointFile.writeFloats(out, s.published().params());
    });
  }

  /**
   * Reads {@code file}, refusing one written for a learner of another {@code shape} or whose arrays are not
   * {@code learnerSize}, {@code actorSize} (0: none) and {@code actingSize} floats long.
   */
  static AldState read(Path file, String shape, int learnerSize, int actorSize, int actingSize) {
    return CheckpointFile.read(file, MAGIC, FORMAT, in -> {
      String stored = in.readUTF();
      if (!stored.equals(shape)) {
        throw new IllegalStateException("ALD state " + file + " was written for a learner of " + stored
            + "; this learner is of " + shape);
      }
      long updates = in.readLong();
      long shuffle = in.readLong();
      double kl = in.readDouble();
      double valueError = in.readDouble();
      double actorNorm = in.readDouble();
      float[] lp = floats(in, file, learnerSize, "the Transformer's parameters");
      AdamState lAdam = adam(in, file, learnerSize, "the Transformer's");
      float[] ap = null;
      AdamState aAdam = null;
      boolean hasActor = in.readBoolean();
      if (hasActor != (actorSize > 0)) {
        throw new IllegalStateException("ALD state " + file + (hasActor ? " has" : " has no") + " LSTM actor; this "
            + "learner" + (hasActor ? " has none" : " has one of " + actorSize + " parameters"));
      }
      if (hasActor) {
        ap = floats(in, file, actorSize, "the LSTM's parameters");
        aAdam = adam(in, file, actorSize, "the LSTM's");
      }
      long version = in.readLong();
      float[] published = floats(in, file, actingSize, "the published parameters");
      return new AldState(stored, updates, lp, lAdam, ap, aAdam, new ParamSnapshot(published, version), shuffle, kl,
          valueError, actorNorm);
    });
  }

  private static void writeNetwork(DataOutputStream out, float[] params, AdamState adam) throws IOException {
    CheckpointFile.writeFloats(out, params);
    CheckpointFile.writeFloats(out, adam.m());
    CheckpointFile.writeFloats(out, adam.v());
    out.writeLong(adam.step());
  }

  private static AdamState adam(DataInputStream in, Path file, int size, String whose) throws IOException {
    float[] m = floats(in, file, size, whose + " AdamW first moments");
    float[] v = floats(in, file, size, whose + " AdamW second moments");
    return new AdamState(m, v, in.readLong());
  }

  private static float[] floats(DataInputStream in, Path file, int size, String what) throws IOException {
    int n = in.readInt();
    if (n != size) {
      throw new IllegalStateException("ALD state " + file + " holds " + n + " floats of " + what + "; this learner "
          + "has " + size);
    }
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readFloat();
    }
    return a;
  }
}
