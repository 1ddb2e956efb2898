<%@ page contentType="text/plain" %>
Total: <%= 6 * 7
