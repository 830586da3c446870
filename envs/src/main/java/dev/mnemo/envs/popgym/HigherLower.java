package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * POPGym HigherLower: the agent sees a card's rank and guesses whether the next card is higher
 * (action 0) or lower (action 1). A right guess pays {@code +1/N} ({@code N = 52·decks}), a wrong one
 * {@code −1/N}, equal ranks 0. Counting the cards already seen improves the odds, which is the memory
 * part. Episodes last {@code N − 1} steps. Observation: rank one-hot (13). Levels: 1, 2, 3 decks.
 */
public final class HigherLower extends BaseEnv {
  /** Action: the next card is higher. */
  public static final int HIGHER = 0;
  /** Action: the next card is lower. */
  public static final int LOWER = 1;

  private final Deck deck;
  private final float scale;
  private int current;

  public HigherLower(Difficulty level) {
    this("popgym/HigherLower-" + level.label(), level.pick(1, 2, 3));
  }

  public HigherLower(String id, int numDecks) {
    super(EnvSpec.flat(id, Deck.RANKS, 2, Deck.DECK_SIZE * requirePositive("num_decks", numDecks) - 1));
    this.deck = new Deck(numDecks, Deck.Face.RANK);
    this.scale = 1f / deck.size();
  }

  /** Number of decks shuffled together. */
  public int numDecks() {
    return deck.size() / Deck.DECK_SIZE;
  }

  @Override
  protected void onReset(float[] obs) {
    deck.shuffle(rng);
    current = deck.deal();
    oneHot(obs, 0, Deck.RANKS, current);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    out.terminated = deck.remaining() <= 1;
    int next = deck.deal();
    if (next != current) {
      // higher (1 or 0) against the guess (HIGHER = 0, LOWER = 1): a right guess differs from it
      int higher = (current - next) >>> 31;
      out.reward = -matchReward(higher, action, scale);
    }
    current = next;
    oneHot(obs, off, Deck.RANKS, current);
  }
}
