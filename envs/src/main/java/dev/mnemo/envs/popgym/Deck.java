package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.Rng;

/**
 * {@code numDecks} standard 52-card decks shuffled together, dealt in order, each card seen through one {@link Face}
 * (its suit, colour or rank: all a POPGym card task ever reads of it). Card {@code c} has suit {@code c % 4}, colour
 * {@code c % 2} and rank {@code (c / 4) % 13}, the encoding POPGym uses.
 *
 * <p>The deck holds the faces, one byte per card, not the card numbers: shuffling the faces with the draws that
 * shuffle the cards deals the faces of the shuffled cards, so every episode is the one a deck of card numbers dealt
 * (same seed, same draws, same order). Why: a {@link dev.mnemo.envs.VectorEnv} of 64 CountRecall envs keeps 128
 * decks hot, 26 KB as ints against a 48 KB L1, and stepped at 0.57-0.78x of one env; as bytes they take 6.5 KB
 * (experiments/envs-bench/). A reset copies the faces of a fresh deck from a 52-entry table instead of numbering the
 * cards. Reshuffling reuses the same array (no allocation per episode).
 */
final class Deck {
  static final int SUITS = 4;
  static final int RANKS = 13;
  static final int COLORS = 2;
  static final int DECK_SIZE = 52;

  /** What a task reads of a card, and how many values it takes. */
  enum Face {
    SUIT(1, SUITS), COLOR(1, COLORS), RANK(SUITS, RANKS);

    final int distinct;
    /** Card {@code c}'s face is {@code (c / stride) % distinct}. */
    private final int stride;
    /** Face of card {@code c} of a fresh deck, {@code c < 52} (a shoe of d decks repeats it d times). */
    private final byte[] ofFreshCard = new byte[DECK_SIZE];

    Face(int stride, int distinct) {
      this.stride = stride;
      this.distinct = distinct;
      for (int c = 0; c < DECK_SIZE; c++) {
        ofFreshCard[c] = (byte) of(c);
      }
    }

    /** The face of card number {@code card}. */
    int of(int card) {
      return (card / stride) % distinct;
    }

    /**
     * Writes the faces of a fresh shoe of {@code len / 52} decks into {@code a[from .. from+len)} and shuffles them
     * with {@code rng} (the draws {@link Rng#shuffle(int[])} makes for a shoe of card numbers).
     */
    void shuffleFresh(byte[] a, int from, int len, Rng rng) {
      for (int d = 0; d < len; d += DECK_SIZE) {
        System.arraycopy(ofFreshCard, 0, a, from + d, DECK_SIZE);
      }
      rng.shuffle(a, from, len);
    }
  }

  private final Face face;
  private final byte[] cards;
  private int dealt;

  Deck(int numDecks, Face face) {
    BaseEnv.requirePositive("num_decks", numDecks);
    this.face = face;
    this.cards = new byte[Math.multiplyExact(DECK_SIZE, numDecks)];
  }

  int size() {
    return cards.length;
  }

  /** Puts every card back and shuffles. */
  void shuffle(Rng rng) {
    face.shuffleFresh(cards, 0, cards.length, rng);
    dealt = 0;
  }

  /** Cards not dealt yet. */
  int remaining() {
    return cards.length - dealt;
  }

  int dealtCount() {
    return dealt;
  }

  /** Deals the next card: its face. */
  int deal() {
    if (dealt == cards.length) {
      throw new IllegalStateException("deck is empty");
    }
    return cards[dealt++];
  }

  /** The face of the {@code i}-th card dealt since the shuffle (0 = first). */
  int dealtFace(int i) {
    return cards[i];
  }
}
