package org.connectorconsole.base;

/** Tests only: runs code as if a request from {@code clientAddress} were being handled (as RequestOriginFilter does). */
public final class TestRequestOrigin {

    private TestRequestOrigin() {
    }

    public static void with(String clientAddress, Runnable work) {
        RequestOrigin.set(new RequestOrigin(clientAddress, "test"));
        try {
            work.run();
        } finally {
            RequestOrigin.clear();
        }
    }
}
