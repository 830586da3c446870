package dev.mnemo.replay;

import java.io.IOException;

/** A replay checkpoint file that cannot be restored: truncated, corrupted, or of another layout. */
public final class ReplayCheckpointException extends IOException {
  public ReplayCheckpointException(String message) {
    super(message);
  }
}
