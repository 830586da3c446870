package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;

/**
 * POPGym Autoencode: a watch phase shows all {@code N = 52·decks} cards one per step (actions ignored),
 * then a play phase asks for them back in reverse order, one per step, each answer paying
 * {@code ±1/N}; the optimal return is 1 and episodes last {@code 2N − 1} steps.
 *
 * <p>Observation (5): {@code [watching, suit one-hot (4)]}. {@code watching} is 1 while cards are being
 * shown and drops to 0 with the LAST card shown (POPGym's signal that play starts next step). In the
 * play phase the suit part is all zeros; POPGym shows a constant suit 0 there, which carries no
 * information either but would look like a real card. Levels: 1, 2, 3 decks.
 */
public final class Autoencode extends BaseEnv {
  private final Deck deck;
  private final float scale;
  private boolean watching;
  private int toRecite;

  public Autoencode(Difficulty level) {
    this("popgym/Autoencode-" + level.label(), level.pick(1, 2, 3));
  }

  public Autoencode(String id, int numDecks) {
    super(EnvSpec.flat(id, 1 + Deck.SUITS, Deck.SUITS,
        2 * Deck.DECK_SIZE * requirePositive("num_decks", numDecks) - 1));
    this.deck = new Deck(numDecks, Deck.Face.SUIT);
    this.scale = 1f / deck.size();
  }

  @Override
  protected void onReset(float[] obs) {
    deck.shuffle(rng);
    watching = true;
    toRecite = deck.size();
    show(obs, 0, deck.deal());
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    if (watching) {
      int suit = deck.deal();
      if (deck.remaining() == 0) {
        watching = false;
      }
      show(obs, off, suit);
    } else {
      out.terminated = toRecite == 1;
      int correct = deck.dealtFace(--toRecite);
      out.reward = matchReward(action, correct, scale);
      show(obs, off, -1);
    }
  }

  private void show(float[] obs, int off, int suit) {
    obs[off] = watching ? 1f : 0f;
    oneHot(obs, off + 1, Deck.SUITS, suit);
  }
}
