package dev.mnemo.actors;

import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Receptionist keys by which the nodes of a cluster run find each other's services. */
public final class ClusterKeys {
  private ClusterKeys() {
  }

  public static final ServiceKey<ReplayService.Command> REPLAY =
      ServiceKey.create(ReplayService.Command.class, "mnemo-replay");
  public static final ServiceKey<ParamServer.Command> PARAMS =
      ServiceKey.create(ParamServer.Command.class, "mnemo-params");
  public static final ServiceKey<EnvWorker.Command> WORKER =
      ServiceKey.create(EnvWorker.Command.class, "mnemo-worker");
}
