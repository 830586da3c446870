package dev.mnemo.actors;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event and status for assertions. */
final class RecordingListener implements RuntimeListener {
  final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
  final List<RuntimeStatus> statuses = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(Map<String, Object> event) {
    events.add(event);
  }

  @Override
  public void onStatus(RuntimeStatus status) {
    statuses.add(status);
  }

  List<Map<String, Object>> events(String kind) {
    return events.stream().filter(e -> kind.equals(e.get("event"))).toList();
  }
}
