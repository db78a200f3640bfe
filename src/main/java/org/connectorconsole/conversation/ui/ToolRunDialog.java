package org.connectorconsole.conversation.ui;

import com.vaadin.flow.component.AbstractField;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.connectorconsole.base.VisibleText;
import org.connectorconsole.conversation.ConversationTool;
import org.connectorconsole.conversation.ToolForm;

/**
 * The form for one tool, generated from its input schema; "Run" hands the arguments (a JSON object) to the view.
 * JSON editors are checked against their part of the schema as you type; the server checks everything again.
 */
class ToolRunDialog extends Dialog {

    private final ToolForm form;
    private final Map<String, Component> inputs = new LinkedHashMap<>();
    private final Paragraph problem = new Paragraph();
    private final Button run = new Button("Run");

    ToolRunDialog(ConversationTool tool, Consumer<ToolRunDialog> onRun) {
        this.form = ToolForm.of(tool.inputSchemaJson());
        setHeaderTitle(tool.label());
        setWidth("min(40rem, 95vw)");
        setId("tool-dialog");
        if (tool.description() != null && !tool.description().isBlank()) {
            Paragraph description = new Paragraph(tool.description());
            description.addClassName("console-muted");
            add(description);
        }
        Span via = new Span("Runs on " + tool.connectorName() + " with your own connection"
                + (tool.needsApproval() ? "; you confirm the arguments before it runs." : "."));
        via.addClassName("console-muted");
        add(via);
        FormLayout fields = new FormLayout();
        fields.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        for (ToolForm.Field field : form.fields()) {
            Component input = input(field, false);
            inputs.put(field.name(), input);
            fields.add(input);
        }
        if (form.fields().isEmpty()) {
            Paragraph none = new Paragraph("This tool takes no arguments.");
            none.addClassName("console-muted");
            add(none);
        }
        problem.setId("tool-form-problem");
        problem.addClassName("console-connection-reason");
        problem.setVisible(false);
        add(fields, problem);
        run.setId("run-tool");
        run.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        run.addClickListener(e -> {
            if (valid()) {
                onRun.accept(this);
            }
        });
        Button cancel = new Button("Close", e -> close());
        getFooter().add(cancel, run);
    }

    /**
     * The input for one field; {@code fillDefaults}: the schema's default as the value (else a text field shows it
     * as its placeholder). The label is the server's text, hidden characters written out.
     */
    static Component input(ToolForm.Field field, boolean fillDefaults) {
        // required fields carry Vaadin's own indicator; a checkbox has none, so its label says it
        String label = VisibleText.escape(field.label())
                + (field.required() && field.kind() == ToolForm.Kind.BOOLEAN ? " (required)" : "");
        Component input = switch (field.kind()) {
            case TEXT -> {
                TextField text = new TextField(label);
                text.setWidthFull();
                text.setRequiredIndicatorVisible(field.required());
                if (field.defaultValue() != null && fillDefaults) {
                    text.setValue(literal(field.defaultValue()));
                } else if (field.defaultValue() != null) {
                    text.setPlaceholder(literal(field.defaultValue()));
                }
                yield text;
            }
            case NUMBER -> {
                NumberField number = new NumberField(label);
                number.setRequiredIndicatorVisible(field.required());
                fillNumber(number, fillDefaults ? field.defaultValue() : null, Double::valueOf);
                yield number;
            }
            case INTEGER -> {
                IntegerField number = new IntegerField(label);
                number.setRequiredIndicatorVisible(field.required());
                number.setStepButtonsVisible(true);
                fillNumber(number, fillDefaults ? field.defaultValue() : null, Integer::valueOf);
                yield number;
            }
            case BOOLEAN -> {
                Checkbox box = new Checkbox(label);
                if ("true".equals(field.defaultValue())) {
                    box.setValue(true);
                }
                yield box;
            }
            case CHOICE -> {
                ComboBox<String> choice = new ComboBox<>(label);
                choice.setItems(field.choices());
                choice.setItemLabelGenerator(ToolRunDialog::literal);
                choice.setRequiredIndicatorVisible(field.required());
                if (field.defaultValue() != null && field.choices().contains(field.defaultValue())) {
                    choice.setValue(field.defaultValue());
                }
                yield choice;
            }
            case JSON -> {
                TextArea json = new TextArea(field.name().isEmpty() ? field.label() : label + " (JSON)");
                json.setWidthFull();
                json.addClassName("console-json-editor");
                json.setValue(field.defaultValue() == null ? "" : field.defaultValue());
                json.setValueChangeMode(com.vaadin.flow.data.value.ValueChangeMode.LAZY);
                json.addValueChangeListener(e -> {
                    Optional<String> problem = ToolForm.problemWithJson(field, e.getValue());
                    json.setInvalid(problem.isPresent());
                    json.setErrorMessage(problem.orElse(null));
                });
                yield json;
            }
        };
        input.getElement().setAttribute("data-argument", field.name());
        if (field.description() != null && input instanceof com.vaadin.flow.component.HasHelper helper) {
            helper.setHelperText(VisibleText.escape(field.description()));
        }
        return input;
    }

    private boolean valid() {
        problem.setVisible(false);
        return valid(form, inputs);
    }

    /** Checks every field (required, JSON editors against their schema), marking those with a problem. */
    static boolean valid(ToolForm form, Map<String, Component> inputs) {
        boolean ok = true;
        for (ToolForm.Field field : form.fields()) {
            Component input = inputs.get(field.name());
            Object value = valueOf(input);
            String message = null;
            if (field.kind() == ToolForm.Kind.JSON) {
                message = ToolForm.problemWithJson(field, value == null ? null : value.toString()).orElse(null);
            } else if (field.required() && field.kind() != ToolForm.Kind.BOOLEAN
                    && (value == null || value.toString().isEmpty())) {
                message = "Required.";
            } else if (input instanceof HasValue<?, ?> has && has instanceof com.vaadin.flow.component.HasValidation v
                    && v.isInvalid() && field.kind() != ToolForm.Kind.JSON) {
                message = "Not a valid value.";
            }
            if (input instanceof com.vaadin.flow.component.HasValidation v) {
                v.setInvalid(message != null);
                v.setErrorMessage(message);
            }
            ok &= message == null;
        }
        return ok;
    }

    /** The arguments as a JSON object, from what was entered. */
    String argumentsJson() {
        return form.argumentsJson(values(form, inputs));
    }

    /** What was entered, by field name (unticked optional boxes without a default left out). */
    static Map<String, Object> values(ToolForm form, Map<String, Component> inputs) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ToolForm.Field field : form.fields()) {
            Object value = valueOf(inputs.get(field.name()));
            if (field.kind() == ToolForm.Kind.BOOLEAN && Boolean.FALSE.equals(value) && !field.required()
                    && field.defaultValue() == null) {
                continue;
            }
            values.put(field.name(), value);
        }
        return values;
    }

    void showProblem(String message) {
        problem.setText(message);
        problem.setVisible(true);
    }

    void running(boolean isRunning) {
        run.setEnabled(!isRunning);
        run.setText(isRunning ? "Starting…" : "Run");
    }

    static Object valueOf(Component input) {
        if (input instanceof AbstractField<?, ?> field) {
            return field.getValue();
        }
        if (input instanceof HasValue<?, ?> has) {
            return has.getValue();
        }
        return null;
    }

    /** Puts the default into a number field; a default that is not a number of the field's kind leaves it empty. */
    private static <T> void fillNumber(HasValue<?, T> field, String defaultValue, Function<String, T> parse) {
        if (defaultValue != null) {
            try {
                field.setValue(parse.apply(defaultValue));
            } catch (NumberFormatException e) {
                // not a number of this kind: left empty
            }
        }
    }

    /** An enum value as a person reads it: strings without their quotes. */
    private static String literal(String json) {
        return json.length() >= 2 && json.startsWith("\"") && json.endsWith("\"")
                ? json.substring(1, json.length() - 1) : json;
    }
}
