package jotmai.dkim;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tests only: a {@link KeyLookup} answering from a map; names not in it are NXDOMAIN. */
final class TestKeys implements KeyLookup {
    final Map<String, Answer> answers = new ConcurrentHashMap<>();

    TestKeys publish(DkimKeys.TxtRecord txt) {
        answers.put(txt.name(), new Answer.Found(List.of(txt.value())));
        return this;
    }

    TestKeys publish(String name, String value) {
        answers.put(name, new Answer.Found(List.of(value)));
        return this;
    }

    @Override
    public Answer txt(String name) {
        return answers.getOrDefault(name, new Answer.NotFound());
    }
}
