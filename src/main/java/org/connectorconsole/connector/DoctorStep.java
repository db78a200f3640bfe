package org.connectorconsole.connector;

/**
 * One step of the connection doctor: what was checked, whether it passed, what was seen, and for a failure
 * what to do about it.
 */
public record DoctorStep(String key, String title, Status status, String seen, String advice) {

    public enum Status {
        PASSED, WARNING, FAILED, SKIPPED
    }

    static DoctorStep passed(String key, String title, String seen) {
        return new DoctorStep(key, title, Status.PASSED, seen, null);
    }

    static DoctorStep warning(String key, String title, String seen, String advice) {
        return new DoctorStep(key, title, Status.WARNING, seen, advice);
    }

    static DoctorStep failed(String key, String title, String seen, String advice) {
        return new DoctorStep(key, title, Status.FAILED, seen, advice);
    }
}
