package dev.mnemo.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The pieces of a worker's restart budget and of its failure log, without an ActorSystem. */
class RestartBudgetTest {

  private static final long S = 1_000_000_000L;

  @Test
  void theWindowCountsOnlyTheFailuresOfItsLastWindowThisOneIncluded() {
    RestartWindow w = new RestartWindow();
    Duration window = Duration.ofSeconds(10);
    assertEquals(1, w.record(0, window));
    assertEquals(2, w.record(4 * S, window));
    assertEquals(3, w.record(9 * S, window));
    // At 10 s the failure at 0 s has left the window (a window is half-open: (now - 10 s, now]).
    assertEquals(3, w.record(10 * S, window));
    assertEquals(2, w.record(19 * S + 1, window), "only the failures at 10 s and now remain");
    assertEquals(1, w.record(100 * S, window), "a long healthy stretch empties the window");
  }

  /** One failure thrown from the same place, as a worker's restarts throw it again and again. */
  private static RuntimeException failure(String message) {
    return new IllegalStateException(message, new java.net.ConnectException("refused"));
  }

  @Test
  void aRepeatedStackTraceIsLoggedOnceThenCountedOnOneLine() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.mnemo.actors.FailureLogTest");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      FailureLog log = new FailureLog(logger);
      for (int i = 1; i <= 4; i++) {
        assertEquals(i, log.log("worker-" + (i % 2), "restart " + i, failure("server gone, port " + (5000 + i))));
      }
      assertEquals(1, log.log("worker-0", "restart 5", new IllegalArgumentException("another failure")),
          "another exception is another trace");
      assertEquals(5, appender.list.size(), "one line per failure");
      assertNotNull(appender.list.get(0).getThrowableProxy(), "the first is logged with its stack trace");
      for (int i = 1; i < 4; i++) {
        ILoggingEvent e = appender.list.get(i);
        assertNull(e.getThrowableProxy(), "a repeat carries no stack trace: " + e.getFormattedMessage());
        assertTrue(e.getFormattedMessage().contains("seen " + (i + 1) + " times")
            && e.getFormattedMessage().contains("server gone, port " + (5001 + i)),
            "a repeat says how often and what it was: " + e.getFormattedMessage());
      }
      assertNotNull(appender.list.get(4).getThrowableProxy(), "a new trace is logged in full");
    } finally {
      logger.detachAppender(appender);
    }
  }
}
