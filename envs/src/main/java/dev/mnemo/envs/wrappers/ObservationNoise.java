package dev.mnemo.envs.wrappers;

import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Rng;
import dev.mnemo.envs.Seeds;
import dev.mnemo.envs.Step;

/**
 * Adds i.i.d. Gaussian noise N(0, sigma²) to every observation component. The noise stream is seeded
 * from the episode seed (through a fixed salt, so it is independent of the inner env's own stream):
 * the same seed gives the same noisy trajectory.
 */
public final class ObservationNoise extends Wrapper {
  private static final long NOISE_SALT = 0x6E6F697365L; // "noise"
  private final double sigma;
  private final Rng rng = new Rng(0);

  public ObservationNoise(Env inner, double sigma) {
    super(inner, spec(inner, sigma));
    this.sigma = sigma;
  }

  private static EnvSpec spec(Env inner, double sigma) {
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("noise sigma must be finite and >= 0, got " + sigma);
    }
    EnvSpec s = inner.spec();
    return new EnvSpec(wrappedId(inner, "noise=" + sigma), s.obsShape(), s.numActions(),
        s.maxEpisodeSteps());
  }

  public double sigma() {
    return sigma;
  }

  @Override
  protected void onReset(long seed, Step out) {
    rng.setSeed(Seeds.combine(seed, NOISE_SALT));
    Step s = inner.reset(seed);
    addNoise(s.obs, out.obs);
    copyScalars(s, out);
  }

  @Override
  protected void onStep(int action, Step out) {
    Step s = inner.step(action);
    addNoise(s.obs, out.obs);
    copyScalars(s, out);
  }

  private void addNoise(float[] src, float[] dst) {
    for (int i = 0; i < dst.length; i++) {
      dst[i] = (float) (src[i] + sigma * rng.nextGaussian());
    }
  }
}
