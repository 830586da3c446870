package dev.mnemo.actors;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/** Terminating a runtime's ActorSystem and waiting for it, as every runtime's {@code close()} does. */
public final class SystemShutdown {

  private SystemShutdown() {}

  /**
   * Terminates {@code system} (after a stop, or abruptly if a run is still going) and waits up to 30 s for it;
   * an interrupt is kept on the thread, a system that does not terminate is an {@link IllegalStateException}.
   */
  public static void terminate(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("actor system did not terminate: " + e, e);
    }
  }
}
