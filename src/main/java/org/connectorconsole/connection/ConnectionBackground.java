package org.connectorconsole.connection;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The virtual threads that run the connection work a page must not wait for (checks, connecting, disconnecting,
 * revocation after an owner's change), stopped with the application.
 */
@Component
class ConnectionBackground implements DisposableBean {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    void run(Runnable task) {
        executor.execute(task);
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
