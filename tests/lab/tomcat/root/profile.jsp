<%@ page contentType="text/plain" %>
<%
    int visits = request.getParameterMap().size();
    out.println("average " + (100 / visits));
%>
