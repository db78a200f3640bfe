package org.connectorconsole.base.ui;

import com.vaadin.flow.component.HasValidation;
import java.util.Map;
import org.connectorconsole.base.ValidationException;

/** Shows a service's validation errors next to the fields they belong to; the rest as a notice. */
public final class FieldErrors {

    private FieldErrors() {
    }

    public static void clear(HasValidation... fields) {
        for (HasValidation field : fields) {
            field.setInvalid(false);
        }
    }

    public static void show(ValidationException e, Map<String, HasValidation> fields) {
        boolean shown = false;
        for (Map.Entry<String, String> error : e.fieldErrors().entrySet()) {
            HasValidation field = fields.get(error.getKey());
            if (field != null) {
                field.setErrorMessage(error.getValue());
                field.setInvalid(true);
                shown = true;
            } else {
                Notices.error(error.getValue());
                shown = true;
            }
        }
        if (!shown) {
            Notices.error(e.getMessage());
        }
    }
}
