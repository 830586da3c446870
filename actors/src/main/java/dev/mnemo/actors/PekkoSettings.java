package dev.mnemo.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** The Pekko configuration every Mnemo ActorSystem starts from. */
public final class PekkoSettings {
  private PekkoSettings() {
  }

  /**
   * {@code mnemo-pekko.conf} (Mnemo's overrides of Pekko defaults) over the application's and every
   * module's configuration.
   */
  public static Config base() {
    return ConfigFactory.parseResources(PekkoSettings.class.getClassLoader(), "mnemo-pekko.conf")
        .withFallback(ConfigFactory.load());
  }
}
