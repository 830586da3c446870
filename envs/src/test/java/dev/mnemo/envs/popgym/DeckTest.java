package dev.mnemo.envs.popgym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mnemo.envs.Rng;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeckTest {
  @Test
  void facesFollowPopgymsCardEncoding() {
    // Card 29: suit 29 % 4 = 1, colour 29 % 2 = 1, rank (29 / 4) % 13 = 7; card 52 of a second deck is card 0 again.
    assertEquals(1, Deck.Face.SUIT.of(29));
    assertEquals(1, Deck.Face.COLOR.of(29));
    assertEquals(7, Deck.Face.RANK.of(29));
    assertEquals(12, Deck.Face.RANK.of(51));
    assertEquals(0, Deck.Face.RANK.of(52));
  }

  @Test
  void dealsTheFacesOfTheCardsAnIntDeckShuffledWithTheSameDraws() {
    for (Deck.Face face : Deck.Face.values()) {
      for (int decks : new int[] {1, 2, 3, 4, 8}) {
        for (long seed = 1; seed <= 3; seed++) {
          Deck deck = new Deck(decks, face);
          deck.shuffle(new Rng(seed));
          int[] cards = IntStream.range(0, Deck.DECK_SIZE * decks).toArray();
          new Rng(seed).shuffle(cards);
          for (int i = 0; i < cards.length; i++) {
            assertEquals(face.of(cards[i]), deck.deal(), face + ", " + decks + " decks, seed " + seed + ", card " + i);
          }
          for (int i = 0; i < cards.length; i++) {
            assertEquals(face.of(cards[i]), deck.dealtFace(i), "dealt card " + i);
          }
          assertEquals(0, deck.remaining());
          assertThrows(IllegalStateException.class, deck::deal, "an empty deck deals nothing");
        }
      }
    }
  }

  @Test
  void reshufflingRefillsTheDeck() {
    Deck deck = new Deck(1, Deck.Face.SUIT);
    Rng rng = new Rng(4);
    deck.shuffle(rng);
    int[] counts = new int[Deck.SUITS];
    for (int i = 0; i < Deck.DECK_SIZE; i++) {
      counts[deck.deal()]++;
    }
    deck.shuffle(rng);
    assertEquals(Deck.DECK_SIZE, deck.remaining(), "a reshuffle puts every card back");
    for (int s = 0; s < Deck.SUITS; s++) {
      assertEquals(13, counts[s], "suit " + s);
    }
  }
}
