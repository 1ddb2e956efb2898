<%@ page contentType="text/plain" %>ok <%= 6 * 7 %>
