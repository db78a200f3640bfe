package org.connectorconsole.support;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/** Keeps JUnit's order of test classes, except that classes marked {@link RunLast} come after all others. */
public class RunLastClassOrderer implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        // List.sort is stable: everything else keeps its order
        context.getClassDescriptors().sort(Comparator.comparing(d -> d.isAnnotated(RunLast.class)));
    }
}
