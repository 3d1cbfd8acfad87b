package io.llmops4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation, as chat templates see it: the OpenAI-style message dict that Hugging Face's
 * {@code apply_chat_template} takes. {@code role} is usually system, user, assistant or tool.
 *
 * <pre>{@code
 * List<ChatMessage> messages = List.of(
 *         ChatMessage.system("You are a helpful assistant."),
 *         ChatMessage.user("What's the weather in Paris?"),
 *         ChatMessage.assistantToolCalls(List.of(new ToolCall("call_0001", "get_weather", "{\"city\": \"Paris\"}"))),
 *         ChatMessage.tool("call_0001", "{\"temperature\": 21}"),
 *         ChatMessage.assistant("It is 21 degrees in Paris."));
 * }</pre>
 *
 * @param role       who speaks
 * @param content    the text; null only for an assistant message with tool calls (templates then see
 *                   {@code content} as none)
 * @param toolCalls  the functions an assistant message calls (immutable; empty for none, and only assistant
 *                   messages have them)
 * @param toolCallId for a tool result, the {@link ToolCall#id()} of the call it answers; null when not set
 * @param name       the {@code name} field some templates read (the function's name on a tool result, a
 *                   participant's name); null when not set
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId, String name) {

    /**
     * @throws InvalidRequestException if the content is null where it may not be, tool calls are given on a message
     *                                 that is not the assistant's, or {@code toolCallId} or {@code name} is blank
     */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = copy(toolCalls);
        if (!toolCalls.isEmpty() && !role.equals("assistant")) {
            throw new InvalidRequestException("only assistant messages have tool calls, found " + toolCalls.size()
                    + " on a message with role '" + role + "'");
        }
        if (content == null && toolCalls.isEmpty()) {
            throw new InvalidRequestException("content may be null only for an assistant message with tool calls,"
                    + " found null content on a message with role '" + role + "' and no tool calls");
        }
        if (toolCallId != null && toolCallId.isBlank()) {
            throw new InvalidRequestException("toolCallId must be null or not blank, was '" + toolCallId + "'");
        }
        if (name != null && name.isBlank()) {
            throw new InvalidRequestException("name must be null or not blank, was '" + name + "'");
        }
    }

    /** A message with text only. */
    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null, null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /**
     * An assistant message that calls functions and says nothing else ({@code content} none).
     *
     * @throws InvalidRequestException if {@code toolCalls} is empty
     */
    public static ChatMessage assistantToolCalls(List<ToolCall> toolCalls) {
        return assistantToolCalls(null, toolCalls);
    }

    /**
     * An assistant message with text (null for none) followed by function calls, as Qwen's and Hermes' templates
     * write it.
     *
     * @throws InvalidRequestException if {@code toolCalls} is empty
     */
    public static ChatMessage assistantToolCalls(String content, List<ToolCall> toolCalls) {
        Objects.requireNonNull(toolCalls, "toolCalls");
        if (toolCalls.isEmpty()) {
            throw new InvalidRequestException("an assistant message with tool calls needs at least one tool call,"
                    + " found none");
        }
        return new ChatMessage("assistant", content, toolCalls, null, null);
    }

    /**
     * The result of a function call (role {@code tool}).
     *
     * @param toolCallId the {@link ToolCall#id()} of the call this answers, or null if the conversation has no ids
     * @param content    the result as text, often JSON
     */
    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage("tool", content, List.of(), toolCallId, null);
    }

    /** This message with the {@code name} field set (null removes it). */
    public ChatMessage withName(String name) {
        return new ChatMessage(role, content, toolCalls, toolCallId, name);
    }

    private static List<ToolCall> copy(List<ToolCall> toolCalls) {
        if (toolCalls == null || toolCalls.isEmpty()) {
            return List.of();
        }
        List<ToolCall> copy = new ArrayList<>(toolCalls.size());
        for (int i = 0; i < toolCalls.size(); i++) {
            copy.add(Objects.requireNonNull(toolCalls.get(i), "toolCalls[" + i + "]"));
        }
        return Collections.unmodifiableList(copy);
    }
}
