<%@ page contentType="text/plain" %>
<%
    String user = request.getParameter("user");
    String shown = null;
    out.println("profile of " + shown.trim());
%>
