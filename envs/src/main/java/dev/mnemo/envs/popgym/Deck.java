package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.Rng;

/**
 * {@code numDecks} standard 52-card decks shuffled together, dealt in order. Card {@code c} has suit
 * {@code c % 4}, colour {@code c % 2} and rank {@code (c / 4) % 13}, the encoding POPGym uses.
 * Reshuffling reuses the same array (no allocation per episode).
 */
final class Deck {
  static final int SUITS = 4;
  static final int RANKS = 13;
  static final int COLORS = 2;
  static final int DECK_SIZE = 52;

  private final int[] cards;
  private int dealt;

  Deck(int numDecks) {
    BaseEnv.requirePositive("num_decks", numDecks);
    cards = new int[DECK_SIZE * numDecks];
  }

  int size() {
    return cards.length;
  }

  /** Puts every card back and shuffles. */
  void shuffle(Rng rng) {
    for (int i = 0; i < cards.length; i++) {
      cards[i] = i;
    }
    rng.shuffle(cards);
    dealt = 0;
  }

  /** Cards not dealt yet. */
  int remaining() {
    return cards.length - dealt;
  }

  int dealtCount() {
    return dealt;
  }

  /** Deals the next card. */
  int deal() {
    if (dealt == cards.length) {
      throw new IllegalStateException("deck is empty");
    }
    return cards[dealt++];
  }

  /** The {@code i}-th card dealt since the shuffle (0 = first). */
  int dealtCard(int i) {
    return cards[i];
  }

  static int suit(int card) {
    return card % SUITS;
  }

  static int color(int card) {
    return card % COLORS;
  }

  static int rank(int card) {
    return (card / SUITS) % RANKS;
  }
}
